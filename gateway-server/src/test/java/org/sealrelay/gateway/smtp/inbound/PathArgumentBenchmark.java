package org.sealrelay.gateway.smtp.inbound;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmark of MAIL FROM and RCPT TO argument parsing, which runs once per envelope command
 * on the event loop. It sits in this package because {@link PathArgument} is package-private.
 * Run it through {@code scripts/bench --jmh-only}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PathArgumentBenchmark {
    private final String mailFrom = "FROM:<scheduling.office@clinic-north.example.org> SIZE=204800 BODY=8BITMIME";
    private final String rcptTo = "TO:<patient.records@lab.hospital.example>";
    private final String sourceRoute = "TO:<@relay1.example,@relay2.example:nurse@ward7.hospital.example>";

    @Benchmark
    public PathArgument mailFromWithParameters() throws PathArgument.SyntaxException {
        return PathArgument.parse(mailFrom, "FROM", true);
    }

    @Benchmark
    public PathArgument rcptTo() throws PathArgument.SyntaxException {
        return PathArgument.parse(rcptTo, "TO", false);
    }

    @Benchmark
    public PathArgument rcptToWithSourceRoute() throws PathArgument.SyntaxException {
        return PathArgument.parse(sourceRoute, "TO", false);
    }
}
