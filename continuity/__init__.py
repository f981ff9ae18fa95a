"""What keeps a film coherent: the seed policy, the character and location bible, frame hand-off."""
