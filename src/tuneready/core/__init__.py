"""Result and verdict types, the Audit and its JSON; imports nothing from tuneready."""
