"""Engines kept only so runs started by earlier releases replay unchanged."""
