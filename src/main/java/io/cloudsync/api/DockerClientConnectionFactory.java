package io.cloudsync.api;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.StringUtil;

/**
 * HTTP/1.1 as Docker's plugin client speaks it over a unix socket. Docker 20.10 (moby pkg/plugins) sets the
 * request's host to the socket path, which Go's HTTP client cuts at the first '/', so the request carries an
 * empty {@code Host:} header — legal for a URI without authority (RFC 9112 3.2), but Jetty 12 answers it with
 * 400 "Blank Host" and offers no compliance switch for it. This factory's connections read a blank Host as
 * "localhost" before Jetty checks it; nothing else changes. It reaches into Jetty's internal HttpConnection,
 * which is why it lives in one small class with a test of its own (PluginServerEndpointsTest).
 */
final class DockerClientConnectionFactory extends HttpConnectionFactory {

    DockerClientConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        BlankHostTolerantConnection connection = new BlankHostTolerantConnection(getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    private static final class BlankHostTolerantConnection extends HttpConnection {

        BlankHostTolerantConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            return new BlankHostTolerantStream(method, uri, version);
        }

        private final class BlankHostTolerantStream extends HttpStreamOverHTTP1 {

            BlankHostTolerantStream(String method, String uri, HttpVersion version) {
                super(method, uri, version);
            }

            @Override
            public void parsedHeader(HttpField field) {
                if (field.getHeader() == HttpHeader.HOST && StringUtil.isBlank(field.getValue())) {
                    super.parsedHeader(new HostPortHttpField("localhost"));
                } else {
                    super.parsedHeader(field);
                }
            }
        }
    }
}
