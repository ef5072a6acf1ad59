"""kansrijk: advice on inter-organisational collaboration, explained."""

__version__ = "0.1.0"
