package io.cloudsync.writeback;

/** The local file changed while it was uploaded: the upload is void and is done again, without counting as a failure. */
final class ChangedDuringUpload extends Exception {

    private static final long serialVersionUID = 1L;

    ChangedDuringUpload(String path) {
        super("'" + path + "' changed while it was uploaded", null, false, false);
    }
}
