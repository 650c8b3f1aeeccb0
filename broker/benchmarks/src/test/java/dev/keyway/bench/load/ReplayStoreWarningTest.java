package dev.keyway.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The load test says so when a scenario will fill the broker's memory replay store, and only then. */
class ReplayStoreWarningTest {

    @Test
    void warnsWhenTheLiveRecordsAndThePlannedExchangesExceedTheCapacity() {
        Optional<String> warning = LoadTest.replayStoreWarning(Optional.of(671_088.0), Optional.of(400_000.0), 279_179);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("400,000 live records of 671,088"), warning.get());
        assertTrue(warning.get().contains("503"), warning.get());
    }

    @Test
    void saysWhenTheStoreIsAlreadyFull() {
        Optional<String> warning = LoadTest.replayStoreWarning(Optional.of(251_658.0), Optional.of(258_941.0), 72_249);
        assertTrue(warning.orElseThrow().contains("is already full (258,941 live records; capacity 251,658"), warning.get());
    }

    @Test
    void staysQuietWithRoomLeftOrWithoutTheGauges() {
        assertEquals(Optional.empty(), LoadTest.replayStoreWarning(Optional.of(2_700_000.0), Optional.of(400_000.0), 279_179));
        assertEquals(Optional.empty(), LoadTest.replayStoreWarning(Optional.empty(), Optional.empty(), 279_179), "the Redis store");
    }
}
