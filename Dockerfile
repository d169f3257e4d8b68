# syntax=docker/dockerfile:1
# Sesame in a container: docs/deployment.md. Build: docker build -t sesame .
# The image itself has never been built on the development machine (no Docker daemon, no registry access).
# scripts/publish-test.sh (part of the test command) runs this file's `dotnet restore` and `dotnet publish` lines, starts
# the result with the runtime stage's ENV, runs the HEALTHCHECK command and signs in through it with the AWS SDK v3;
# test/conformance/deployment/deployment-files.mjs checks that ENV, EXPOSE, VOLUME, ENTRYPOINT and HEALTHCHECK agree.

ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
# true: compile ahead of time (ReadyToRun): a restart serves in about 0.75 s instead of 1.0 s (docs/benchmarks.md,
# "Start-up"); false: a faster first build (docs/deployment.md).
ARG READY_TO_RUN=true
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Sesame/Sesame.csproj src/Sesame/
COPY src/Sesame.Host/Sesame.Host.csproj src/Sesame.Host/
RUN dotnet restore src/Sesame.Host -a $TARGETARCH
COPY src/ src/
RUN dotnet publish src/Sesame.Host -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=$READY_TO_RUN -o /app
# The data volume's mount point, owned by the runtime user (the chiseled image has no shell to make it).
RUN mkdir /data

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# 1654 is APP_UID, the non-root "app" user of Microsoft's .NET images (chiseled and regular alike).
COPY --from=build --chown=1654:1654 /data /data
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://+:8080 \
    SESAME_DATA_DIR=/data \
    DOTNET_NOLOGO=1
USER $APP_UID
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/app/sesame", "health"]
ENTRYPOINT ["/app/sesame"]
CMD ["serve"]
