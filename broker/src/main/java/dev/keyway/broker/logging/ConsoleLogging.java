package dev.keyway.broker.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The broker's logging, set up in code: one line per event on stderr (stdout carries audit
 * events). Logback's XML configuration would load an XML parser and some 400 classes, a tenth of
 * a start-up. An operator's own file still wins: {@code -Dlogback.configurationFile=...}.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

    /**
     * Quieter than INFO where a library is chatty. Azure Identity, MSAL and azure-core log an ERROR
     * with a stack trace per failed Entra ID call and a WARN per request; the problem+json answer and
     * the audit event carry what matters (docs/clouds/azure.md).
     */
    static final Map<String, Level> LEVELS = Map.of(
            "io.micronaut", Level.WARN,
            "io.micronaut.runtime.Micronaut", Level.INFO,
            "io.netty", Level.WARN,
            "com.azure", Level.OFF,
            "com.microsoft.aad", Level.OFF,
            "org.apache.sshd", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
