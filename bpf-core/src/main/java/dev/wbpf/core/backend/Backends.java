package dev.wbpf.core.backend;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The backends on the class path, found through {@link BpfBackendProvider}. */
public final class Backends {
    private Backends() {
    }

    /** All registered providers, the preferred first. */
    public static List<BpfBackendProvider> providers() {
        return ServiceLoader.load(BpfBackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(BpfBackendProvider::priority).reversed())
                .toList();
    }

    /** The preferred backend (whether or not it can run here), if any is registered. */
    public static Optional<BpfBackend> preferred() {
        return providers().stream().findFirst().map(BpfBackendProvider::create);
    }

    /** The backend named {@code name}, if registered. */
    public static Optional<BpfBackend> named(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst().map(BpfBackendProvider::create);
    }

    /** A backend choice and the reason for it, for {@code -v}. */
    public record Choice(BpfBackend backend, String reason) {
    }

    /**
     * {@code auto}: the preferred backend that can load programs here, with the reasons the
     * others could not.
     *
     * @throws BpfException if none can
     */
    public static Choice automatic() {
        StringBuilder refused = new StringBuilder();
        for (BpfBackendProvider provider : providers()) {
            BpfBackend backend = provider.create();
            BpfBackend.Availability availability = backend.availability();
            if (availability.available()) {
                return new Choice(backend, provider.name() + ": " + availability.reason()
                        + (refused.isEmpty() ? "" : " (" + refused + ")"));
            }
            if (!refused.isEmpty()) {
                refused.append("; ");
            }
            refused.append(provider.name()).append(" unavailable: ").append(availability.reason());
        }
        throw new BpfException(refused.isEmpty() ? "no BPF backend on the class path" : refused.toString(),
                BpfException.EOPNOTSUPP);
    }
}
