"""Making the film: backends, the render plan, the take store, the editor and the command line."""
