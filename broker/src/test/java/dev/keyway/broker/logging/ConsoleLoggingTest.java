package dev.keyway.broker.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleLoggingTest {

    @Test
    void logbackFindsItThroughTheServiceLoader() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == ConsoleLogging.class));
    }

    @Test
    void theRunningLoggerContextWasConfiguredByIt() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertEquals(Level.OFF, context.getLogger("com.azure.identity").getEffectiveLevel());
    }

    @Test
    void oneStderrLinePerEventWithQuietLibraries() {
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new ConsoleLogging().configure(context));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
        assertEquals(ConsoleLogging.PATTERN, ((PatternLayoutEncoder) stderr.getEncoder()).getPattern());
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.INFO, context.getLogger("dev.keyway.broker.policy.PolicyHolder").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("io.netty.channel").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("io.micronaut.http").getEffectiveLevel());
        assertEquals(Level.INFO, context.getLogger("io.micronaut.runtime.Micronaut").getEffectiveLevel());
        assertEquals(Level.OFF, context.getLogger("com.microsoft.aad.msal4j").getEffectiveLevel());
        assertEquals(Level.WARN, context.getLogger("org.apache.sshd.common").getEffectiveLevel());
    }

    @Test
    void anOperatorsOwnConfigurationFileWins() {
        String previous = System.setProperty("logback.configurationFile", "/etc/keyway/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new ConsoleLogging().configure(context));
            assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        } finally {
            if (previous == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", previous);
            }
        }
    }
}
