"""Still pictures of the film for people: the storyboard sheet (`longcut board`) and a shot's contact sheet
(`longcut takes`), drawn from the plan and the store."""
