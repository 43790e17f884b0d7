/**
 * The offline {@code simulate} and {@code generate} commands: replaying a recorded history
 * through the agent's own pool and policies on a simulated clock, and writing synthetic
 * histories with a known generative model to replay and train on.
 */
package io.adaptivememory.simulate;
