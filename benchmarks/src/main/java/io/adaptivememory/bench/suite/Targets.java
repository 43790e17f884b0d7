package io.adaptivememory.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The project's targets, computed from one suite run's medians:
 * <ul>
 *   <li>every skewed workload: spilled bytes adaptive / static at most {@value #SKEWED_SPILL};
 *   <li>every skewed workload: wall time adaptive / oracle at most {@value #SKEWED_WALL_VS_ORACLE};
 *   <li>balanced: wall time adaptive / static at most {@value #BALANCED_WALL};
 *   <li>every workload: adaptive at least as good as fair, i.e. spills no more and its wall time is
 *       at most {@value #NOISE} x fair's. The 2 % allowance is the balanced target's: medians of a
 *       few runs on a shared 2-core machine differ by that much with nothing changed.
 * </ul>
 * A ratio whose denominator is 0 (static spilled nothing) has no verdict.
 */
final class Targets {

    static final double SKEWED_SPILL = 0.10;
    static final double SKEWED_WALL_VS_ORACLE = 1.05;
    static final double BALANCED_WALL = 1.02;
    static final double NOISE = 1.02;

    enum Status { MET, MISSED, NO_VERDICT }

    /** One target on one workload. */
    record Target(String workload, String measure, String value, String threshold, Status status) {}

    private Targets() {}

    static List<Target> of(List<Workload> workloads, List<Summary> summaries) {
        Map<String, Summary> byKey = summaries.stream()
                .collect(Collectors.toMap(s -> s.workload() + "/" + s.policy(), Function.identity()));
        List<Target> out = new ArrayList<>();
        for (Workload w : workloads) {
            Optional<Summary> fixed = Optional.ofNullable(byKey.get(w.name() + "/" + Policy.STATIC));
            Optional<Summary> fair = Optional.ofNullable(byKey.get(w.name() + "/" + Policy.FAIR));
            Optional<Summary> adaptive = Optional.ofNullable(byKey.get(w.name() + "/" + Policy.ADAPTIVE));
            Optional<Summary> oracle = Optional.ofNullable(byKey.get(w.name() + "/" + Policy.ORACLE));
            if (w.skewed()) {
                ratio(out, w, "spilled adaptive / static", adaptive, fixed, Summary::spilledBytes, SKEWED_SPILL);
                ratio(out, w, "wall adaptive / oracle", adaptive, oracle, Summary::wallMillis, SKEWED_WALL_VS_ORACLE);
            }
            if (w.name().equals("balanced")) {
                ratio(out, w, "wall adaptive / static", adaptive, fixed, Summary::wallMillis, BALANCED_WALL);
            }
            if (adaptive.isPresent() && fair.isPresent()) {
                double a = adaptive.get().spilledBytes();
                double f = fair.get().spilledBytes();
                out.add(new Target(w.name(), "spilled adaptive vs fair", SuiteReport.bytes(a) + " vs " + SuiteReport.bytes(f),
                        "adaptive <= fair", a <= f ? Status.MET : Status.MISSED));
            }
            ratio(out, w, "wall adaptive / fair", adaptive, fair, Summary::wallMillis, NOISE);
        }
        return out;
    }

    private static void ratio(List<Target> out, Workload w, String measure, Optional<Summary> numerator,
            Optional<Summary> denominator, ToDoubleFunction<Summary> value, double limit) {
        if (numerator.isEmpty() || denominator.isEmpty()) {
            return;
        }
        double n = value.applyAsDouble(numerator.get());
        double d = value.applyAsDouble(denominator.get());
        String threshold = String.format(Locale.ROOT, "<= %.2f", limit);
        if (d == 0) {
            out.add(new Target(w.name(), measure, "n/a (denominator 0)", threshold, Status.NO_VERDICT));
            return;
        }
        double r = n / d;
        out.add(new Target(w.name(), measure, String.format(Locale.ROOT, "%.3f", r), threshold,
                r <= limit ? Status.MET : Status.MISSED));
    }
}
