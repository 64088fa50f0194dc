package io.cloudsync.it.support;

import io.cloudsync.testsupport.S3ProxyServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands test classes the resources one integration-test run shares: one S3Proxy on 127.0.0.1 and one built
 * plugin package. They live in JUnit's root store, so they are made on first use and closed once at the end of
 * the run, whichever class used them last.
 */
public final class ItResources implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ItResources.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == S3ProxyServer.class || type == PluginPackage.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        var store = context.getRoot().getStore(NAMESPACE);
        if (type == S3ProxyServer.class) {
            return store.getOrComputeIfAbsent(S3ProxyServer.class, key -> S3ProxyServer.startNew(), S3ProxyServer.class);
        }
        return store.getOrComputeIfAbsent(PluginPackage.class, key -> PluginPackage.build(), PluginPackage.class);
    }
}
