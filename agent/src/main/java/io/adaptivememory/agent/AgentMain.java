package io.adaptivememory.agent;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.net.URISyntaxException;

/**
 * {@code java -jar adaptive-memory-agent.jar attach <pid> [key=value,...]}: attaches the agent to
 * a running TaskManager. Properties apply as if given with {@code -D}.
 */
public final class AgentMain {

    private AgentMain() {}

    public static void main(String[] args) throws URISyntaxException {
        if (args.length < 2 || !args[0].equals("attach")) {
            System.err.println("usage: java -jar adaptive-memory-agent.jar attach <pid> [key=value,key=value...]");
            System.exit(2);
            return;
        }
        String pid = args[1];
        String properties = args.length > 2 ? args[2] : "";
        File jar = new File(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ByteBuddyAgent.attach(jar, pid, properties);
        System.out.println("Flink Adaptive Memory attached to process " + pid
                + "; the TaskManager log says what it does");
    }
}
