"""Tests of the libcst codemod: the URL engine (``test_urls*``), the rules, and the shared fixture runner."""
