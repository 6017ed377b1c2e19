"""Planted values of every kind, valid for their validators (made here, not real people's)."""

from __future__ import annotations

#: kind -> (a sentence holding the value, the value)
PLANTED = {
    "email": ("Write to maria.lopez77@gmail.com for the forms.", "maria.lopez77@gmail.com"),
    "phone": ("Call me on +44 20 7183 8750 after six.", "+44 20 7183 8750"),
    "card": ("My card is 4539 1488 0343 6467 thanks.", "4539 1488 0343 6467"),
    "iban": ("Pay to DE89 3704 0044 0532 0130 00 today.", "DE89 3704 0044 0532 0130 00"),
    "national_id": ("Her SSN is 536-90-4399 on file.", "536-90-4399"),
    "ip": ("The box answers on 81.2.69.160 now.", "81.2.69.160"),
    "dob": ("Patient born on 12 March 1985 in Leeds.", "12 March 1985"),
    "secret": ("use key AKIAZ7QWERTY12345XYZ to sign in", "AKIAZ7QWERTY12345XYZ"),
}

#: prose with numbers, placeholders and addresses that identify no one
CLEAN = [
    "In 1990 the city had 12,345,678 people and 3.14159 acres of parks.",
    "The English Civil War ran 1642-1649 , who won ?",
    "arccos(-0.3571428571) = 111.8 degrees",
    "Send a test to someone@example.com or admin@mail.test first.",
    "The router is at 192.168.0.1 and docs use 203.0.113.5.",
    "Upgrade to version 2.0.1 of the library.",
    "He was born in 1930 and died on 4 May 1999.",
    "What is the population of Mexico City ?",
    "ISBN 978-3-16-148410-0 is a book number.",
]
