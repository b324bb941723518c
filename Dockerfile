# The chat node (WebSocketEdge with its co-hosted silo) as a container image, in three stages that
# each need only what their base image has: node/npm fetches the browser client, the SDK publishes
# (without node), and the runtime runs the result as a non-root user.
# Paths in RUN lines are relative to WORKDIR: tests/…/ImageBuildReplayTests replays these stages
# outside Docker, each with only its base image's tools on PATH.

FROM node:20-bookworm-slim AS client
WORKDIR /client
COPY WebSocketEdge/client/package.json WebSocketEdge/client/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Grains.Abstractions/ Grains.Abstractions/
COPY Grains/ Grains/
COPY Silo/ Silo/
COPY WebSocketEdge/ WebSocketEdge/
COPY --from=client /client/node_modules/ WebSocketEdge/client/node_modules/
# ChatClientNpm=false: the client stage already fetched the browser client; this image has no npm.
RUN dotnet publish WebSocketEdge/WebSocketEdge.csproj -c Release -o out -p:ChatClientNpm=false -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /src/out/ ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production
# 8080 public (behind nginx), 8081 internal (dashboard, /cluster, /metrics), 11111 silo.
EXPOSE 8080 8081 11111
# The .NET images' unprivileged user; an init process (compose: init: true, docker run --init)
# reaps children and passes signals on.
USER $APP_UID
STOPSIGNAL SIGTERM
# Silos advertise the container's own address unless one is given; exec keeps SIGTERM for the node.
ENTRYPOINT ["bash", "-c", "export Chat__Cluster__AdvertisedAddress=\"${Chat__Cluster__AdvertisedAddress:-$(hostname -i | cut -d' ' -f1)}\"; exec dotnet Orleans.Chat.WebSocketEdge.dll"]
