package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.sealrelay.gateway.Gateway;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealrelay run}: runs the gateway in the foreground until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the gateway in the foreground until stopped with SIGTERM or Ctrl-C.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** sysexits.h EX_CONFIG: the configuration is invalid. */
    static final int EXIT_CONFIG = 78;
    /** sysexits.h EX_IOERR: a file or port could not be opened. */
    static final int EXIT_IO = 74;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return EXIT_CONFIG;
        }
        log.info("SealRelay {} starting with {}", VersionCommand.version(), configFile);
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (IOException e) {
            log.error("start failed: {}", e.getMessage());
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return EXIT_IO;
        }
        installReloadSignal(gateway);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stop requested");
            gateway.close();
            flushLogs();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    /** Drains the asynchronous log appender, so the last lines before exit are written. */
    private static void flushLogs() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }

    /**
     * Rereads the policy file on SIGHUP, as MTAs do for their configuration; an invalid file is
     * logged and the rules in force stay.
     */
    private static void installReloadSignal(Gateway gateway) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    log.info("SIGHUP: policy reloaded, {} rule(s) in force", gateway.reloadPolicy());
                } catch (org.sealrelay.policy.rules.PolicyFileException e) {
                    log.error("SIGHUP: policy reload failed, the previous rules stay in force: {}", e.getMessage());
                } catch (IllegalStateException e) {
                    log.info("SIGHUP ignored: {}", e.getMessage());
                }
            });
        } catch (IllegalArgumentException e) {
            log.warn("cannot handle SIGHUP on this platform, so the policy reloads only on restart: {}", e.getMessage());
        }
    }
}
