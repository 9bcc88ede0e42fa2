"""The pure decision core: state, policies, explanations.

Imports only models and the standard library.
"""
