package io.adaptivememory.estimate;

/**
 * A model file that does not follow {@link ModelFile}'s format; the message names the file, the line and what was
 * expected.
 */
public final class ModelFileException extends Exception {
    public ModelFileException(String message) {
        super(message);
    }
}
