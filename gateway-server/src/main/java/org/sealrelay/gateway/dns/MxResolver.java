package org.sealrelay.gateway.dns;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.sealrelay.gateway.config.HostAndPort;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Looks up the mail exchangers of a domain and the addresses of a host with dnsjava, without
 * blocking the caller. Futures from this class complete exceptionally only with
 * {@link HostLookupException} (from {@link #resolveAddresses}); MX lookups always complete
 * normally with an {@link MxAnswer}.
 */
public final class MxResolver {
    private final LookupSession session;
    private final Random random;

    /** Creates a resolver that queries the system resolvers, as found by dnsjava's {@code ResolverConfig}. */
    public MxResolver() {
        this(new ExtendedResolver());
    }

    /** Creates a resolver that queries {@code resolver}, such as a {@code SimpleResolver} in tests. */
    public MxResolver(Resolver resolver) {
        this.session = LookupSession.builder().resolver(resolver).build();
        this.random = new SecureRandom();
    }

    /**
     * Creates a resolver for the configured servers, or the system resolvers when the list is empty.
     *
     * @throws IllegalArgumentException when a server is neither an IP literal nor a resolvable name
     */
    public static MxResolver forServers(List<HostAndPort> servers) {
        return new MxResolver(UpstreamResolvers.forServers(servers));
    }

    /** Looks up the MX records of {@code domain} and orders them; see {@link MxOrdering#order}. */
    public CompletableFuture<MxAnswer> resolveMx(String domain) {
        Name name;
        try {
            name = absoluteName(domain);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(
                    MxAnswer.failure(MxAnswer.Status.NO_SUCH_DOMAIN, "invalid domain name '" + domain + "'"));
        }
        CompletionStage<LookupResult> lookup = session.lookupAsync(name, Type.MX);
        return lookup.toCompletableFuture().handle((result, error) -> {
            if (error == null) {
                List<MXRecord> records = new ArrayList<>();
                for (Record record : result.getRecords()) {
                    if (record instanceof MXRecord mx) {
                        records.add(mx);
                    }
                }
                return MxOrdering.order(domain, records, random);
            }
            Throwable cause = unwrap(error);
            if (cause instanceof NoSuchRRSetException) {
                return MxOrdering.order(domain, List.of(), random);
            }
            if (cause instanceof NoSuchDomainException) {
                return MxAnswer.failure(MxAnswer.Status.NO_SUCH_DOMAIN, "domain " + domain + " not found (NXDOMAIN)");
            }
            return MxAnswer.failure(
                    MxAnswer.Status.TEMPORARY_FAILURE, "MX lookup for " + domain + " failed: " + describe(cause));
        });
    }

    /**
     * Looks up the A and AAAA records of {@code host}, IPv4 first. An IP literal is returned as is.
     * The future fails with {@link HostLookupException} when neither type has an address.
     */
    public CompletableFuture<List<InetAddress>> resolveAddresses(String host) {
        if (Address.isDottedQuad(host) || host.indexOf(':') >= 0) {
            try {
                return CompletableFuture.completedFuture(List.of(InetAddress.getByName(host)));
            } catch (java.net.UnknownHostException e) {
                return CompletableFuture.failedFuture(new HostLookupException(host, false, e.getMessage()));
            }
        }
        Name name;
        try {
            name = absoluteName(host);
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(new HostLookupException(host, true, "invalid host name"));
        }
        CompletableFuture<LookupAttempt> v4 = attempt(name, Type.A);
        CompletableFuture<LookupAttempt> v6 = attempt(name, Type.AAAA);
        return v4.thenCombine(v6, (a, aaaa) -> {
            List<InetAddress> addresses = new ArrayList<>(a.addresses());
            addresses.addAll(aaaa.addresses());
            if (!addresses.isEmpty()) {
                return addresses;
            }
            boolean permanent = a.permanent() && aaaa.permanent();
            throw new CompletionException(new HostLookupException(host, permanent, a.detail()));
        });
    }

    private CompletableFuture<LookupAttempt> attempt(Name name, int type) {
        return session.lookupAsync(name, type).toCompletableFuture().handle((result, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                boolean permanent = cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException;
                return new LookupAttempt(List.of(), permanent, describe(cause));
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (Record record : result.getRecords()) {
                if (record instanceof ARecord a) {
                    addresses.add(a.getAddress());
                } else if (record instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                }
            }
            return new LookupAttempt(addresses, true, "no " + Type.string(type) + " records");
        });
    }

    private record LookupAttempt(List<InetAddress> addresses, boolean permanent, String detail) {}

    private static Name absoluteName(String domain) throws TextParseException {
        return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
