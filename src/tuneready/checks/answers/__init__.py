"""answers: free-form answers that teach the wrong thing (chat / SFT data without labels).

When the targets form a small closed set the loader turns them into labels and
``label_noise`` reads them. Otherwise each answer is read for what makes it unusable as a
training target, each finding type with its own module:

- ``rules``: empty answers, echoes of the prompt, refusals and AI disclaimers;
- ``truncation``: answers cut off (unclosed fences, brackets or quotes, a dangling word, a cut
  word, a shared token limit, far shorter than asked), never casual style alone;
- ``offtopic``: answers that fit another prompt of the data set better than their own, judged
  against a shuffled baseline (ridge map of the shipped sentence vectors);
- ``consistency``: contradictions only for closed prompts, answer diversity for open ones;
- ``language``: answers in another language than their prompt, and the language mix;
- ``canned``: one template reply given to many different prompts.

No precision is assumed: ``acting`` gives each finding type the precision a review measured
on *this* data (``--review``), or states it unmeasured; only empty answers, rows a reviewer
confirmed and the rows of types measured at ``exclude_min_precision`` or better leave the
effective size and count toward the rate; every other flag is a candidate, sampled for review
(``review``), and every flag is listed in ``flagged.csv`` (``result``). Refusals leave only by
a reviewer's verdict (a refusal may be the behaviour the data is meant to teach).
"""
