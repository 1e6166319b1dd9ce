from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "backend.housing"
    label = "housing"
    verbose_name = "Housing delivery (保交楼)"
