"""derive/stages."""
