# syntax=docker/dockerfile:1
# infera in a container: build with the Swift toolchain, run on Debian slim with only what the
# binary loads at run time (glibc, libstdc++, libyaml, libcurl) and CA certificates.
#   docker build -t infera .
#   docker run --rm -v "$PWD:/work" -w /work infera detect .
# Every command runs in the image (tested by Tests/InferaCLITests/ContainerImageTests.swift where a
# container engine exists; skipped with a message where not).

FROM swift:6.1-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libyaml-dev libcurl4-openssl-dev pkg-config python3 bc > /dev/null
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Fuzz ./Fuzz
COPY templates ./templates
COPY Tests ./Tests
COPY scripts ./scripts
COPY README.md ./
ARG INFERA_COMMIT=unknown
RUN INFERA_COMMIT="$INFERA_COMMIT" scripts/release.sh && mkdir /out && tar -xzf dist/infera-*-linux-*.tar.gz -C /out --strip-components=1

FROM debian:bookworm-slim AS runtime
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates libcurl4 libyaml-0-2 > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 infera
COPY --from=build /out/infera /usr/local/bin/infera
USER infera
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/infera"]
CMD ["--help"]
