package io.cloudsync.store.minio;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a GET: a failure while reading it (the connection drops mid-object) says which object of which
 * bucket at which endpoint was being read, instead of a bare "unexpected end of stream".
 */
final class ContextInputStream extends FilterInputStream {

    private final String what;

    /** {@code what} completes "reading ...", for example "'a/b' from bucket 'b' at http://host:port". */
    ContextInputStream(InputStream body, String what) {
        super(body);
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw withContext(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw withContext(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw withContext(e);
        }
    }

    private IOException withContext(IOException e) {
        return new IOException("failed reading " + what + ": " + e.getMessage(), e);
    }
}
