"""Graph workflows on Azure Durable Functions."""

__version__ = "0.1.0"
