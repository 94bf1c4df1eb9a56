package org.sealrelay.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sealrelay.policy.detect.DetectorSet;

/**
 * JMH benchmark of one scan by every built-in PHI detector over the text of a message that the
 * load generator sends in the phi scenario of {@code scripts/bench}: 2 KiB or 100 KiB of clinic
 * text with a made-up patient record every 8 KiB. The {@code detector} parameter names one
 * detector to time alone, for example {@code -p detector=ssn,dob}; {@code all} scans with all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DetectorScanBenchmark {
    @Param({"2048", "102400"})
    public int size;

    @Param({"all"})
    public String detector;

    private DetectorSet detectors;
    private String text;

    @Setup
    public void buildText() {
        detectors = DetectorSet.of(List.of());
        byte[] message = BenchMessages.build(BenchMessages.Content.PHI, size, "load@source.bench.example",
                "bench@phi.bench.example", 1).get(0);
        text = new String(message, StandardCharsets.US_ASCII);
    }

    @Benchmark
    public Object scanAllDetectors() {
        if (detector.equals("all")) {
            return detectors.scan(text);
        }
        return detectors.lazyScan(() -> text).count(detector);
    }
}
