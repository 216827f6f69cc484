/**
 * What every service publishes at {@code /observe/metrics} beside its own figures: request latency per route, the JVM,
 * the PostgreSQL pool and the grid, under names {@code promtool check metrics} accepts. Gauges read figures kept in
 * memory ({@link dev.floodgate.runtime.observe.Figures}, refreshed in the background): a scrape never reaches an
 * engine.
 */
package dev.floodgate.runtime.observe;
