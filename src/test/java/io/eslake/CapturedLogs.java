package io.eslake;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Every log line written while open, as log4j formats it with level, logger, message and stack
 * trace. Loggers can be made more verbose while it is open; close it to restore them.
 */
public final class CapturedLogs implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final Map<String, Level> previousLevels = new HashMap<>();
  private final AbstractAppender appender;

  private CapturedLogs() {
    Configuration config = context.getConfiguration();
    PatternLayout layout =
        PatternLayout.newBuilder()
            .withConfiguration(config)
            .withPattern("%-5p %c: %m%n%ex")
            .build();
    appender =
        new AbstractAppender(
            "captured-" + System.nanoTime(), null, layout, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(layout.toSerializable(event));
          }
        };
    appender.start();
    config.addAppender(appender);
    // Every logger of the configuration is additive, so the root sees every event.
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  /** Starts capturing, with the named loggers lowered to the given level. */
  public static CapturedLogs start(Level level, String... loggers) {
    CapturedLogs captured = new CapturedLogs();
    for (String logger : loggers) {
      captured.setLevel(logger, level);
    }
    captured.context.updateLoggers();
    return captured;
  }

  /** The lines so far, each with its stack trace if it had one. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines so far that contain a text. */
  public List<String> containing(String text) {
    return lines.stream().filter(line -> line.contains(text)).toList();
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(appender.getName());
    previousLevels.forEach(
        (name, level) -> {
          if (level == null) {
            config.removeLogger(name);
          } else {
            config.getLoggerConfig(name).setLevel(level);
          }
        });
    context.updateLoggers();
    appender.stop();
  }

  private void setLevel(String name, Level level) {
    Configuration config = context.getConfiguration();
    LoggerConfig existing = config.getLoggers().get(name);
    if (existing != null) {
      previousLevels.put(name, existing.getLevel());
      existing.setLevel(level);
      return;
    }
    previousLevels.put(name, null);
    config.addLogger(name, new LoggerConfig(name, level, true));
  }
}
