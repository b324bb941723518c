# The chat node (WebSocketEdge with its co-hosted silo) as a container image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Orleans.Chat.sln ./
COPY Grains.Abstractions/ Grains.Abstractions/
COPY Grains/ Grains/
COPY Silo/ Silo/
COPY WebSocketEdge/ WebSocketEdge/
RUN dotnet publish WebSocketEdge -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
# 8080 public (behind nginx), 8081 internal (dashboard, /cluster), 11111 silo, 30000 gateway.
EXPOSE 8080 8081 11111 30000
STOPSIGNAL SIGTERM
# Silos advertise the container's own address unless one is given; exec keeps SIGTERM for the node.
ENTRYPOINT ["bash", "-c", "export Chat__Cluster__AdvertisedAddress=\"${Chat__Cluster__AdvertisedAddress:-$(hostname -i | cut -d' ' -f1)}\"; exec dotnet Orleans.Chat.WebSocketEdge.dll"]
