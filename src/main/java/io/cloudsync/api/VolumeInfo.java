package io.cloudsync.api;

import java.util.Map;

/**
 * One volume as Docker shows it. {@code mountpoint} is empty when not mounted; {@code createdAt} is RFC 3339;
 * {@code status} is shown verbatim by "docker volume inspect" and must never hold a secret.
 */
public record VolumeInfo(String name, String mountpoint, String createdAt, Map<String, Object> status) {
    public VolumeInfo {
        status = Map.copyOf(status);
    }
}
