package io.adaptivememory.history;

/** A history line or file that does not follow docs/HISTORY.md; the message says why. */
public final class HistoryFormatException extends RuntimeException {
    public HistoryFormatException(String message) {
        super(message);
    }
}
