/**
 * The Docker volume plugin protocol, and nothing else: Docker POSTs JSON to "/VolumeDriver.Create" and its
 * siblings over a unix socket; {@link io.cloudsync.api.PluginServer} (Jetty, core API) answers through a
 * {@link io.cloudsync.api.VolumeDriver}. The edge is thin, like docker/go-plugins-helpers' volume/api.go:
 * route names in {@link io.cloudsync.api.PluginRoutes}, one record per message in
 * {@link io.cloudsync.api.PluginRequests} and {@link io.cloudsync.api.PluginResponses}, any exception becomes
 * HTTP 500 with {@code {"Err": message}}, and a success always has a body.
 *
 * <p>Roles: {@code RequestDecoder} turns bodies into records and bad bodies into clear errors;
 * {@code PluginEndpoints} maps each route to a driver call; {@code PluginHandler} is the HTTP mechanics (status,
 * content type, logging); {@code PluginServer} owns the socket file and Jetty's lifecycle.
 */
package io.cloudsync.api;
