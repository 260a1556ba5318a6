"""Expires jobs and reacts to Redis keyspace notifications."""
