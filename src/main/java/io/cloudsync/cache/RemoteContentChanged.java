package io.cloudsync.cache;

import java.io.IOException;

/** The bucket no longer holds the content a placeholder stands for (replaced or deleted by another tool). */
public final class RemoteContentChanged extends IOException {

    private static final long serialVersionUID = 1L;

    public RemoteContentChanged(String path, String why) {
        super("the bucket no longer holds the listed content of '" + path + "': " + why);
    }
}
