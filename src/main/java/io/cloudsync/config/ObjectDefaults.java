package io.cloudsync.config;

/**
 * The attributes a volume gives what the bucket holds without them (objects written by other tools carry no
 * mode or owner metadata): options {@code uid}, {@code gid}, {@code file-mode} and {@code dir-mode}.
 *
 * @param fileMode permission bits of files, e.g. 0644
 * @param dirMode  permission bits of directories, e.g. 0755
 */
public record ObjectDefaults(int uid, int gid, int fileMode, int dirMode) {

    public static final ObjectDefaults STANDARD = new ObjectDefaults(0, 0, 0644, 0755);
}
