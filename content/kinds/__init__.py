"""The kinds of content, in the order they are written: what a kind refers to is written first
(question categories and quizzes before the pages whose modules name a quiz)."""

from .interviews import INTERVIEW_CATEGORIES, INTERVIEWS
from .pages import PAGES
from .quizzes import QUIZ_CATEGORIES, QUIZZES

KINDS = [QUIZ_CATEGORIES, QUIZZES, INTERVIEWS, INTERVIEW_CATEGORIES, PAGES]
