from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "huiliu.certificates"
    label = "certificates"
    verbose_name = "生育登记与婚育情况证明"
