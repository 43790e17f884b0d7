package io.adaptivememory.history;

/**
 * A periodic sample of one allocated slot (one line of a {@code slots-*.csv} file;
 * docs/HISTORY.md).
 *
 * @param predictedBytes the estimator's demand for the slot's live consumers (-1 without one)
 */
public record SlotSample(
        long timeMillis,
        String taskManager,
        String job,
        int slot,
        int slots,
        long shareBytes,
        long reservedBytes,
        long earmarkedBytes,
        long entitlementBytes,
        long predictedBytes) {}
