"""The local host's HTTP side: the aiohttp server, the app's HTTP functions, route
templates, the request guard and the Durable management API."""
