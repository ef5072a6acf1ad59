"""The inference engine: rule records compiled into experta rules."""
