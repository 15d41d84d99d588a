# syntax=docker/dockerfile:1
# Build: docker build -t amamibot .   Run: see README.md (Production).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (modernc SQLite): a static binary without cgo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/amamibot ./cmd/amamibot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/amamibot /usr/local/bin/amamibot
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV ADDR=:8080 DATA_DIR=/data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/amamibot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/amamibot"]
CMD ["serve"]
