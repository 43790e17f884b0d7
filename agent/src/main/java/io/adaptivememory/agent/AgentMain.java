package io.adaptivememory.agent;

import io.adaptivememory.learn.Evaluate;
import io.adaptivememory.learn.Recommend;
import io.adaptivememory.learn.Train;
import io.adaptivememory.simulate.Generate;
import io.adaptivememory.simulate.Simulate;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar adaptive-memory-agent.jar <command>}: attaching the agent to a running
 * TaskManager, and the offline learning commands over the history it records (docs/LEARNING.md).
 */
public final class AgentMain {

    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar adaptive-memory-agent.jar <command> [options]",
            "  attach <pid> [key=value,...]   attach the agent to a running TaskManager (properties as with -D)",
            "  train --history <dir> --out <model file> ...      fit demand models on a history",
            "  evaluate --history <dir> --model <file> ...       held-out error and grant accuracy vs baselines",
            "  simulate --history <dir> ...                      replay a history through the policies",
            "  recommend --history <dir> ...                     static Flink memory settings from a history",
            "  generate --out <dir> ...                          write a synthetic history",
            "Run a command without options for its own usage.");

    private AgentMain() {}

    public static void main(String[] args) throws URISyntaxException {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        List<String> options = Arrays.asList(args).subList(1, args.length);
        PrintStream out = System.out;
        int exit = switch (args[0]) {
            case "attach" -> attach(options);
            case "train" -> Train.run(options, out);
            case "evaluate" -> Evaluate.run(options, out);
            case "simulate" -> Simulate.run(options, out);
            case "recommend" -> Recommend.run(options, out);
            case "generate" -> Generate.run(options, out);
            default -> {
                System.err.println("unknown command '" + args[0] + "'");
                System.err.println(USAGE);
                yield 2;
            }
        };
        System.exit(exit);
    }

    private static int attach(List<String> options) throws URISyntaxException {
        if (options.isEmpty()) {
            System.err.println("usage: java -jar adaptive-memory-agent.jar attach <pid> [key=value,key=value...]");
            return 2;
        }
        String pid = options.get(0);
        String properties = options.size() > 1 ? options.get(1) : "";
        File jar = new File(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ByteBuddyAgent.attach(jar, pid, properties);
        System.out.println("Flink Adaptive Memory attached to process " + pid
                + "; the TaskManager log says what it does");
        return 0;
    }
}
