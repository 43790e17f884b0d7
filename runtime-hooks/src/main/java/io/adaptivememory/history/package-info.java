/**
 * The agent's history: what every managed-memory consumer needed and got, written by the
 * TaskManager and read by the offline tools. The format is docs/HISTORY.md.
 */
package io.adaptivememory.history;
