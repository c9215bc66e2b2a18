"""Daily and weekly digests (Ringkasan): what a person should look at, by e-mail and on the site."""
