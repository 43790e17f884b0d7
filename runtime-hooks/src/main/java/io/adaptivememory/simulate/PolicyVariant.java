package io.adaptivememory.simulate;

import io.adaptivememory.config.PolicyKind;

import java.util.Locale;

/**
 * A policy as the simulator runs it: one of the agent's {@link PolicyKind}s, optionally fed
 * with a {@link DemandPredictor}. Spelled {@code static}, {@code fair}, {@code adaptive}, or a
 * policy and a predictor joined by '+': {@code adaptive+recorded}, {@code adaptive+oracle}.
 *
 * @param predictor null when the pool gets no predictions
 */
public record PolicyVariant(String name, PolicyKind kind, DemandPredictor predictor) {

    public static PolicyVariant of(PolicyKind kind) {
        return new PolicyVariant(kind.id(), kind, null);
    }

    /** Parses one spelling; throws {@link IllegalArgumentException} naming what is wrong. */
    public static PolicyVariant parse(String spelling) {
        String[] parts = spelling.trim().toLowerCase(Locale.ROOT).split("\\+", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("policy '" + spelling + "' has more than one '+'");
        }
        PolicyKind kind = kindOf(parts[0], spelling);
        if (parts.length == 1) {
            return of(kind);
        }
        DemandPredictor predictor = switch (parts[1]) {
            case "recorded" -> DemandPredictor.recorded();
            case "oracle" -> DemandPredictor.oracle();
            default -> throw new IllegalArgumentException(
                    "policy '" + spelling + "': unknown predictor '" + parts[1] + "' (recorded or oracle)");
        };
        return new PolicyVariant(parts[0] + "+" + parts[1], kind, predictor);
    }

    private static PolicyKind kindOf(String id, String spelling) {
        for (PolicyKind kind : PolicyKind.values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "policy '" + spelling + "': unknown policy '" + id + "' (static, fair or adaptive)");
    }
}
