# Attune as a container image: build with the Rust toolchain, run from a small Debian image as a
# non-root user. Migrations and templates are compiled into the binary; only static/ is copied.
#
#   docker build -t attune .
#   docker run -e DATABASE_URL=postgres://... -e ATTUNE_BASE_URL=https://attune.example.com -p 3000:3000 attune
#
# (docker-compose.yml runs it with PostgreSQL.)

FROM rust:1-bookworm AS builder
WORKDIR /src

# Dependencies first, with placeholder sources, so this layer is reused until Cargo.toml or
# Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && echo 'fn main() {}' > benches/recommendations.rs \
 && echo 'fn main() {}' > benches/mail.rs \
 && cargo build --release --locked \
 && rm -rf src

# The application: sources, plus what is compiled into it (SQL migrations, askama templates).
COPY src src
COPY migrations migrations
COPY templates templates
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked \
 && strip target/release/attune


FROM debian:bookworm-slim

# ca-certificates for TLS to a managed database; curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system attune \
 && useradd --system --gid attune --home-dir /app --no-create-home --shell /usr/sbin/nologin attune

WORKDIR /app
COPY --from=builder /src/target/release/attune /usr/local/bin/attune
COPY static /app/static
# The pulse key file lives here (a volume in docker-compose.yml), writable by Attune only.
RUN mkdir -p /app/keys && chown attune:attune /app/keys && chmod 700 /app/keys

ENV ATTUNE_BIND=0.0.0.0:3000 \
    ATTUNE_STATIC_DIR=/app/static \
    ATTUNE_PULSE_KEY_FILE=/app/keys/attune-pulse.key

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1

USER attune
ENTRYPOINT ["attune"]
CMD ["serve"]
