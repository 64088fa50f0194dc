package io.cloudsync.it.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs against the real Docker engine. Without an engine the class is skipped, except
 * with CI=true, where it fails (see {@link DockerRequirement}). Test methods can ask for the run's shared
 * {@link io.cloudsync.testsupport.S3ProxyServer} and {@link PluginPackage} as parameters ({@link ItResources}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("docker")
@ExtendWith({DockerRequirement.class, ItResources.class})
public @interface WithDockerEngine {
}
