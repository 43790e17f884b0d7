package io.adaptivememory.agent.advice;

import io.adaptivememory.flink.FlinkHooks;

import net.bytebuddy.asm.Advice;

/** {@code AbstractFileIOChannel.deleteChannel()}: counts the spill file's bytes before it goes. */
public final class SpillChannelDeleteAdvice {

    private SpillChannelDeleteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("id") Object channelId) {
        FlinkHooks.onSpillChannelDeleted(channelId);
    }
}
