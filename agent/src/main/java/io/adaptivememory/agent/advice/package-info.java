/**
 * Byte Buddy advice, inlined into Flink's classes. Each method is one static call into
 * {@link io.adaptivememory.flink.FlinkHooks}; signatures name no Flink type (naming the class
 * being transformed makes Byte Buddy load it during its own transformation), and nothing here
 * allocates, locks or logs.
 */
package io.adaptivememory.agent.advice;
