-- Keycloak and Temporal share the PostgreSQL server with the hub, each in its own database.
CREATE DATABASE keycloak OWNER hub;
